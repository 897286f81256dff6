"""Case files and orbit.yaml: YAML with line numbers → validated, compiled case model.

No pytest and no HTTP here: the loader checks everything at collection, so a malformed file
fails before any request is sent.
"""
