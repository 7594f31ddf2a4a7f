"""The partnership's shared record (SPEC section 10): participants and their consents, training
and job outcomes, pathways, support services and referrals, initiatives and their targets."""
