import type { ObservationError } from '../../../src/observation/errors';

/** The error a promise rejects with (the test fails when it resolves). */
export async function caught(p: Promise<unknown>): Promise<ObservationError> {
  try {
    await p;
  } catch (e) {
    return e as ObservationError;
  }
  throw new Error('expected a rejection');
}
