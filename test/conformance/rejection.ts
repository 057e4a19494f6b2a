import { DeliveryError } from '../../src/core/errors.js';

/** The DeliveryError a call fails with; anything else (success, another error) fails the test. */
export async function rejection(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DeliveryError) return err;
    throw new Error(`expected a DeliveryError, got ${String(err)}`);
  }
  throw new Error('expected the call to fail');
}
