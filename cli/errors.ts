/**
 * The command line's errors, each with the exit code it ends the process with. Every message is meant
 * for a person at a terminal: it names the flag, variable or file, and what would be accepted.
 */

/** Bad usage or configuration: an unknown command or flag, a bad value, a state that cannot be read (exit 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly exitCode = 2;
  /** The flag, variable, argument or source the problem is about (`--warn-days`, `QWILT_USERS_URL`, a path). */
  readonly subject: string;
  /** Where to read more, e.g. `qwilt-keys list --help`; printed on a line of its own. */
  declare readonly seeAlso?: string;

  constructor(subject: string, message: string, options: { seeAlso?: string } = {}) {
    super(message);
    this.subject = subject;
    if (options.seeAlso) Object.defineProperty(this, "seeAlso", { value: options.seeAlso, enumerable: true });
  }
}

/** A refused or failed operation (exit 1): the API said no, or the command would not do it. */
export class OperationError extends Error {
  override readonly name = "OperationError";
  readonly exitCode = 1;
}
