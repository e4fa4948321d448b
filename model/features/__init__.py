"""Features any family can switch on: each declares its own state and actions and gives both halves."""
