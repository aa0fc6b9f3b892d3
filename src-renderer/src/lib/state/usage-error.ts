/** A request the panel cannot send as it stands (no clip selected, a field out of range): its message is shown as it is. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
