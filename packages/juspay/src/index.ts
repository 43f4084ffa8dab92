// Filled in by the client, decoding, signing and webhook modules.
export {};
