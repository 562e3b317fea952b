/**
 * Fault injection: rules that make the next matching requests misbehave the ways a real
 * network and API do (error statuses, resets, slow or broken answers, lost answers), so the
 * client's retry and recovery paths can be tested against a real socket.
 */
import type { FaultInjector, FaultKind, FaultRule } from "./types";

interface ActiveRule {
  id: string;
  rule: FaultRule;
  left: number;
}

/** The one action a rule takes once matched (delay alone just postpones normal handling). */
export function faultKind(rule: FaultRule): FaultKind {
  if (rule.reset) return "reset";
  if (rule.malformedBody) return "malformedBody";
  if (rule.schemaViolation) return "schemaViolation";
  if (rule.loseAnswer) return "loseAnswer";
  if (rule.status !== undefined) return "status";
  return "delay";
}

export class Faults implements FaultInjector {
  private rules: ActiveRule[] = [];
  private nextId = 1;

  add(rule: FaultRule): string {
    const actions = [
      rule.reset,
      rule.malformedBody,
      rule.schemaViolation,
      rule.loseAnswer,
      rule.status !== undefined,
    ].filter(Boolean);
    if (actions.length > 1)
      throw new Error("a fault rule takes one action: status, reset, malformedBody, schemaViolation or loseAnswer");
    if (actions.length === 0 && rule.delayMs === undefined) throw new Error("a fault rule needs an action or delayMs");
    if (rule.status !== undefined && (!Number.isInteger(rule.status) || rule.status < 100 || rule.status > 599)) {
      throw new RangeError("fault status must be an HTTP status from 100 to 599");
    }
    const times = rule.times ?? 1;
    if (!(times >= 1) || (Number.isFinite(times) && !Number.isInteger(times)))
      throw new RangeError("fault times must be a whole number >= 1 or Infinity");
    const id = `fault-${this.nextId++}`;
    this.rules.push({ id, rule, left: times });
    return id;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  get pending(): number {
    return this.rules.length;
  }

  /** The first rule matching this request, used up by one; undefined when none matches. */
  take(method: string, path: string): FaultRule | undefined {
    const hit = this.rules.find((r) => matches(r.rule, method, path));
    if (!hit) return undefined;
    hit.left -= 1;
    if (hit.left <= 0) this.remove(hit.id);
    return hit.rule;
  }
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) return false;
  const p = rule.path;
  if (p === undefined) return true;
  if (p instanceof RegExp) {
    p.lastIndex = 0; // a /g or /y RegExp keeps state between calls
    return p.test(path);
  }
  return p.endsWith("*") ? path.startsWith(p.slice(0, -1)) : path === p;
}

/** A valid JSON answer of the wrong shape: every key object loses its keyId; an empty list becomes an object. */
export function violateSchema(body: unknown): unknown {
  const strip = (v: unknown): unknown => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const { keyId: _keyId, ...rest } = v as Record<string, unknown>;
      return rest;
    }
    return v;
  };
  if (Array.isArray(body)) return body.length === 0 ? { items: [] } : body.map(strip);
  if (body === undefined) return { unexpected: true };
  return strip(body);
}
