"""Reports over the consortium's record: utilisation of clinical capacity and AB 1577."""
