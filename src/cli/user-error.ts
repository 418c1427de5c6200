/**
 * A mistake in what the user asked for (a bad option, a missing file): the CLI prints its
 * message on one line and exits non-zero, with no stack trace.
 */
export class UserError extends Error {
  override readonly name = "UserError";
}

/** Throws a {@link UserError}. */
export function fail(message: string): never {
  throw new UserError(message);
}
