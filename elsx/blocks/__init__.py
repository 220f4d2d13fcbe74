"""The XBlocks: thin classes that hold fields and views and call the API modules."""
