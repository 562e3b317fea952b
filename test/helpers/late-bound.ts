/**
 * A stand-in for something a beforeAll hook makes (a server, a simulator, a plugin process), so a
 * fixture can hand it out at the top of a test file: every property read goes to the current value,
 * methods bound to it. Used before the hook ran, it says so instead of failing on `undefined`.
 */
export function lateBound<T extends object>(what: string, current: () => T | undefined): T {
  const now = (): T => {
    const value = current();
    if (value === undefined) throw new Error(`${what} is not started yet: use it inside a test or a hook`);
    return value;
  };
  return new Proxy({} as T, {
    get(_, prop) {
      const target = now();
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
    has: (_, prop) => prop in now(),
  });
}
