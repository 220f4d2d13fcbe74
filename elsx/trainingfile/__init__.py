"""The training file a coordinator sends to a POST commission: one private ZIP."""
