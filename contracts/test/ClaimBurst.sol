// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Test-only helpers: several claims against one service inside a single transaction
/// (so inside one block) from distinct claimants, without turning off automine on a
/// node that other tests share.

interface IServiceRegistry {
    function sendClaim(bytes32 serviceId, string calldata failedLocation) external;
}

/// One claimant: a contract, so its address is fresh and distinct from every other.
contract Claimer {
    function claim(IServiceRegistry registry, bytes32 serviceId, string calldata failedLocation) external {
        registry.sendClaim(serviceId, failedLocation);
    }
}

/// Owns `size` claimers and makes the first `count` of them claim in one transaction.
/// A claim that reverts reverts the whole burst with the registry's own error.
contract ClaimBurst {
    Claimer[] private claimers;

    constructor(uint256 size) {
        for (uint256 i = 0; i < size; i++) claimers.push(new Claimer());
    }

    function burst(IServiceRegistry registry, bytes32 serviceId, string calldata failedLocation, uint256 count) external {
        for (uint256 i = 0; i < count; i++) claimers[i].claim(registry, serviceId, failedLocation);
    }

    function claimer(uint256 i) external view returns (address) {
        return address(claimers[i]);
    }
}
