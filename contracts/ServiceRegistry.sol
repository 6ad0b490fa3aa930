// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ServiceRegistry: where a replicated service's leader is, and who reports it failed.
/// @notice Paper B's service registry. A provider registers a service; its managers
/// (the registrant first) move its location when a new leader is elected, and users who
/// cannot reach that location file a claim. The leader's epoch (the etcd leader key's
/// create revision) rides on every location update, so a leader that lost its lease
/// cannot move the service back to itself.
contract ServiceRegistry {
    struct Service {
        string location;
        string info;
        // Every replica's location, comma-separated: where a client's attempt may go when the
        // location above is silent (a follower relays it to whoever leads).
        string members;
        uint64 epoch;
        bool exists;
        address[] managers;
        // Claims seen in `claimBlock`, for the per-block cap.
        uint64 claimBlock;
        uint32 claimsInBlock;
    }

    /// Blocks a claimant waits between two claims on the same service.
    uint64 public immutable claimIntervalBlocks;
    /// Claims one service accepts in one block, from all claimants together.
    uint32 public immutable maxClaimsPerBlock;

    mapping(bytes32 => Service) private services;
    /// Position + 1 of a manager in `services[id].managers`; 0 means "not a manager".
    mapping(bytes32 => mapping(address => uint256)) private managerSlot;
    /// The block of each claimant's last claim on each service.
    mapping(bytes32 => mapping(address => uint64)) private lastClaimBlock;

    event ServiceRegistered(bytes32 indexed serviceId, address indexed manager, string location, string info);
    event NewLocation(bytes32 indexed serviceId, string location, uint64 epoch);
    event InfoUpdated(bytes32 indexed serviceId, string info);
    event MembersUpdated(bytes32 indexed serviceId, string members);
    event ManagerAdded(bytes32 indexed serviceId, address indexed manager, address by);
    event ManagerRemoved(bytes32 indexed serviceId, address indexed manager, address by);
    event Claim(bytes32 indexed serviceId, string failedLocation, address indexed claimant);

    error InvalidClaimBound(uint64 intervalBlocks, uint32 maxPerBlock);
    error EmptyServiceId();
    error AlreadyRegistered(bytes32 serviceId);
    error UnknownService(bytes32 serviceId);
    error NotManager(bytes32 serviceId, address account);
    error AlreadyManager(bytes32 serviceId, address account);
    error UnknownManager(bytes32 serviceId, address account);
    error ZeroAddressManager(bytes32 serviceId);
    error LastManager(bytes32 serviceId);
    error StaleEpoch(bytes32 serviceId, uint64 lastEpoch, uint64 givenEpoch);
    error ClaimForOldLocation(bytes32 serviceId, string currentLocation);
    error ClaimTooSoon(bytes32 serviceId, uint256 nextClaimBlock);
    error ClaimLimitReached(bytes32 serviceId, uint64 blockNumber);

    /// @param intervalBlocks blocks one claimant must wait between claims on one service (>= 1)
    /// @param maxPerBlock claims one service accepts per block from everyone (>= 1)
    constructor(uint64 intervalBlocks, uint32 maxPerBlock) {
        if (intervalBlocks == 0 || maxPerBlock == 0) revert InvalidClaimBound(intervalBlocks, maxPerBlock);
        claimIntervalBlocks = intervalBlocks;
        maxClaimsPerBlock = maxPerBlock;
    }

    modifier known(bytes32 serviceId) {
        if (!services[serviceId].exists) revert UnknownService(serviceId);
        _;
    }

    /// Only the service's managers may change it; an unknown service is named as such first.
    modifier onlyManagers(bytes32 serviceId) {
        if (!services[serviceId].exists) revert UnknownService(serviceId);
        if (managerSlot[serviceId][msg.sender] == 0) revert NotManager(serviceId, msg.sender);
        _;
    }

    /// Registers a new service at epoch 0 with the caller as its only manager. Also emits
    /// NewLocation, so users who follow only that event learn the first location.
    function register(bytes32 serviceId, string calldata location, string calldata info) external {
        if (serviceId == bytes32(0)) revert EmptyServiceId();
        Service storage s = services[serviceId];
        if (s.exists) revert AlreadyRegistered(serviceId);
        s.exists = true;
        s.location = location;
        s.info = info;
        s.managers.push(msg.sender);
        managerSlot[serviceId][msg.sender] = 1;
        emit ServiceRegistered(serviceId, msg.sender, location, info);
        emit NewLocation(serviceId, location, 0);
    }

    /// Moves the service to `location` for the leader of `epoch`. The epoch must be greater
    /// than the last one written: an equal epoch is refused too, so a write is never replayed
    /// and two writers that both think they lead cannot alternate.
    function updateLocation(bytes32 serviceId, string calldata location, uint64 epoch) external onlyManagers(serviceId) {
        Service storage s = services[serviceId];
        if (epoch <= s.epoch) revert StaleEpoch(serviceId, s.epoch, epoch);
        s.epoch = epoch;
        s.location = location;
        emit NewLocation(serviceId, location, epoch);
    }

    /// Replaces the service's replica set: every replica's location, comma-separated. Unlike
    /// the location it carries no epoch: the set changes when replicas are added or removed,
    /// not when a leader is elected, and any of them relays to whoever leads.
    function updateMembers(bytes32 serviceId, string calldata members) external onlyManagers(serviceId) {
        services[serviceId].members = members;
        emit MembersUpdated(serviceId, members);
    }

    /// Replaces the service's free-form info (what the service is, how to use it).
    function updateInfo(bytes32 serviceId, string calldata info) external onlyManagers(serviceId) {
        services[serviceId].info = info;
        emit InfoUpdated(serviceId, info);
    }

    /// Makes `account` a manager too.
    function addManager(bytes32 serviceId, address account) external onlyManagers(serviceId) {
        if (account == address(0)) revert ZeroAddressManager(serviceId);
        if (managerSlot[serviceId][account] != 0) revert AlreadyManager(serviceId, account);
        Service storage s = services[serviceId];
        s.managers.push(account);
        managerSlot[serviceId][account] = s.managers.length;
        emit ManagerAdded(serviceId, account, msg.sender);
    }

    /// Removes `account` (possibly the caller) from the managers; the last one stays, so a
    /// service can never be left without anyone able to move it.
    function removeManager(bytes32 serviceId, address account) external onlyManagers(serviceId) {
        uint256 slot = managerSlot[serviceId][account];
        if (slot == 0) revert UnknownManager(serviceId, account);
        address[] storage list = services[serviceId].managers;
        if (list.length == 1) revert LastManager(serviceId);
        address moved = list[list.length - 1];
        list[slot - 1] = moved;
        managerSlot[serviceId][moved] = slot;
        list.pop();
        delete managerSlot[serviceId][account];
        emit ManagerRemoved(serviceId, account, msg.sender);
    }

    /// Reports that `failedLocation` (the service's current location) did not answer.
    ///
    /// The bound, so that claims cannot flood the managers who follow Claim events:
    /// - a claim must name the current location: once the service has moved, claims about
    ///   the old place are refused (ClaimForOldLocation), which also tells the claimant
    ///   where to go instead;
    /// - one claimant files at most one claim per service every `claimIntervalBlocks`
    ///   blocks (ClaimTooSoon names the first block it may claim again);
    /// - one service accepts at most `maxClaimsPerBlock` claims per block from all
    ///   claimants together (ClaimLimitReached), so even many fresh accounts cannot make a
    ///   manager read more than that many Claim events per block for one service.
    /// Every claim also costs its sender gas, so claiming is never free.
    function sendClaim(bytes32 serviceId, string calldata failedLocation) external known(serviceId) {
        Service storage s = services[serviceId];
        if (keccak256(bytes(failedLocation)) != keccak256(bytes(s.location))) {
            revert ClaimForOldLocation(serviceId, s.location);
        }
        uint64 nowBlock = uint64(block.number);
        uint64 last = lastClaimBlock[serviceId][msg.sender];
        // Subtract rather than add, so no interval (up to 2^64-1) can overflow.
        if (last != 0 && nowBlock - last < claimIntervalBlocks) revert ClaimTooSoon(serviceId, uint256(last) + claimIntervalBlocks);
        if (s.claimBlock == nowBlock) {
            if (s.claimsInBlock >= maxClaimsPerBlock) revert ClaimLimitReached(serviceId, nowBlock);
            s.claimsInBlock += 1;
        } else {
            s.claimBlock = nowBlock;
            s.claimsInBlock = 1;
        }
        lastClaimBlock[serviceId][msg.sender] = nowBlock;
        emit Claim(serviceId, failedLocation, msg.sender);
    }

    /// Where users reach the service now, and the epoch of the leader that wrote it.
    function getServiceLocation(bytes32 serviceId) external view known(serviceId) returns (string memory location, uint64 epoch) {
        Service storage s = services[serviceId];
        return (s.location, s.epoch);
    }

    /// Every replica's location, comma-separated ("" until a manager wrote them).
    function getServiceMembers(bytes32 serviceId) external view known(serviceId) returns (string memory) {
        return services[serviceId].members;
    }

    /// Everything stored about a service, for the dashboard.
    function getService(bytes32 serviceId)
        external
        view
        known(serviceId)
        returns (string memory location, uint64 epoch, string memory info, address[] memory managers)
    {
        Service storage s = services[serviceId];
        return (s.location, s.epoch, s.info, s.managers);
    }

    /// Whether `account` may update the service.
    function isManager(bytes32 serviceId, address account) external view returns (bool) {
        return managerSlot[serviceId][account] != 0;
    }

    /// The first block at which `claimant` may claim against the service again (0: now).
    function nextClaimBlock(bytes32 serviceId, address claimant) external view returns (uint256) {
        uint64 last = lastClaimBlock[serviceId][claimant];
        return last == 0 ? 0 : uint256(last) + claimIntervalBlocks;
    }
}
