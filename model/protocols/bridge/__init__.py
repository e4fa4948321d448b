"""Message bridges (lock_mint, burn_mint): the family, its features, its view and its concrete contracts."""
