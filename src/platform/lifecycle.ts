// A lifecycle written down as a state machine: its allowed transitions as data, and one assertion that a move is
// among them (the habit of Tessera's docs/design/lifecycle.md). Applications for access and applications for
// deletion both declare theirs here, so that what may happen next is read from one table, not from checks
// scattered through each use case.

/** The states a lifecycle may move to from each state (a state with no way on is final). */
export type Transitions<S extends string> = Readonly<Record<S, readonly S[]>>;

export interface Lifecycle<S extends string> {
  readonly transitions: Transitions<S>;
  /** Whether a thing in `from` may move to `to` (false for a state the lifecycle does not know). */
  mayMove(from: string, to: S): boolean;
  /** The states that may move to `to`, in the order they are declared. */
  statesBefore(to: S): S[];
  /**
   * INVARIANT: returns only when `from` may move to `to` (to each of them, when the move's outcome is not yet
   * known); otherwise throws what `refuse` makes, so each use case keeps the error its callers know.
   */
  assertMayMove(from: string, to: S | readonly S[], refuse: () => Error): void;
}

/** Declares a lifecycle from its transitions. */
export function declareLifecycle<S extends string>(
  transitions: Readonly<Record<S, readonly NoInfer<S>[]>>,
): Lifecycle<S> {
  const mayMove = (from: string, to: S) =>
    Object.hasOwn(transitions, from) && (transitions[from as S] as readonly S[]).includes(to);
  return {
    transitions,
    mayMove,
    statesBefore: (to) => (Object.keys(transitions) as S[]).filter((from) => mayMove(from, to)),
    assertMayMove(from, to, refuse) {
      const targets: readonly S[] = typeof to === 'string' ? [to as S] : (to as readonly S[]);
      if (!targets.every((target) => mayMove(from, target))) throw refuse();
    },
  };
}
