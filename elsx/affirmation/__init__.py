"""The learner's affirmation, at claim, that they personally completed the training."""
