"""Engines that decide properties of a transition system: BMC now, proofs later."""
