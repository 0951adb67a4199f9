"""Pure rule evaluation: frames and dates in, findings out. No I/O, no clock, no database."""
