/**
 * Open each in order (a leader before its follower, a left arm before the right); when one fails,
 * close the ones already open, last first, and rethrow: nothing stays connected after a failure.
 */
export async function openInOrder<T>(openers: (() => Promise<T>)[], close: (opened: T) => Promise<void>): Promise<T[]> {
  const opened: T[] = [];
  try {
    for (const open of openers) opened.push(await open());
    return opened;
  } catch (error) {
    for (const item of opened.reverse()) await close(item).catch(() => {});
    throw error;
  }
}
