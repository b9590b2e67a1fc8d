"""Remote actions: the state machine, what they do to the car, scopes and refusals."""
