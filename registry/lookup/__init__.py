"""Worker lookup: normalisation (`normalise`), the scale index (`index`), the explained verdict
(`matcher`) and the answer with status on a date (`service`)."""
