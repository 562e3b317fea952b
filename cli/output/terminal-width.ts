import { envValue, type Io } from "../io";

/** The terminal's width; in a pipe, $COLUMNS (as shells and many tools honour it), else 120. */
export function terminalWidth(io: Io): number {
  const columns = Number(envValue(io.env, "COLUMNS"));
  return io.stdout.columns ?? (Number.isInteger(columns) && columns >= 40 ? columns : 120);
}
