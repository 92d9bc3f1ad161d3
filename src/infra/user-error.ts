/**
 * An error caused by the user's setup or input (missing toolchain, port in use, bad file).
 * The CLI prints its message as one line, without a stack trace, and exits non-zero.
 */
export class UserError extends Error {
  constructor(
    message: string,
    /** What the user can do about it; printed after the message. */
    public readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof Error && (err.name === 'UserError' || err instanceof UserError);
}
