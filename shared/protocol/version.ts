/**
 * Bumped whenever a message or bridge member changes shape, so that a renderer, host and worker
 * built from different commits refuse to talk instead of misreading each other.
 */
export const PROTOCOL_VERSION = 5;
