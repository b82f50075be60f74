/** The props that are set, without those given as `undefined`, so that spreading them keeps the defaults they follow. */
export function definedOnly<T extends object>(props: T): T {
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined)) as T;
}
