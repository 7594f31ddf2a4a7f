"""The partnership's shared record (SPEC section 10): one module per area, each with its read
models and commands, composed into PlacementsApp like the other areas."""
