/**
 * Text from Qwilt or a state (a key's name, a description, a creator) before it reaches a terminal, a
 * workflow log or Markdown: anyone in the organization can name a key, so control characters (terminal
 * escapes, a newline that would start a workflow command) and bidirectional overrides are replaced.
 */
// C0 and C1 controls, DEL, and the bidi embedding/override/isolate characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function clean(text: string): string {
  return text.replace(UNSAFE, "\ufffd");
}
