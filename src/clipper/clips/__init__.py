"""The clip library: uploaded media files, their probe data and derived versions."""
