"""The capstone Community Action Plan: readiness, goals and a communication plan, per learner."""
