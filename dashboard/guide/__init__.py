"""The Guide page: an error's ordered causes and fix steps in the reader's language."""
