// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// The contract `gateway bench scale` calls on every node: each call writes
/// storage and emits an event, so the node runs its VM for every request and
/// the bench can count, per chain, which amounts were applied and how often.
contract Counter {
    /// Sum of every amount bumped so far.
    uint256 public total;
    /// How many calls have been applied.
    uint256 public calls;

    /// One applied call: who sent it, its amount, and the total after it.
    event Bumped(address indexed by, uint256 amount, uint256 total);

    /// Adds `by` to the total.
    function bump(uint256 by) external {
        total += by;
        calls += 1;
        emit Bumped(msg.sender, by, total);
    }
}
