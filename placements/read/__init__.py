"""The read side: per area, its read-model tables and the projections that fill them.

The services (placements/<area>.py) keep the commands and the queries, with their
visibility rules; they and every other reader import the tables from here."""
