/**
 * A witness of transparency logs (c2sp.org/tlog-witness): an independent party that keeps the latest checkpoint
 * it cosigned of each log it follows and cosigns a new one only when a consistency proof shows it extends that.
 * It runs as its own process (`leds witness serve`), with its own key and state folder, never LEDS's database.
 */
export { addCheckpoint, type WitnessAnswer, type WitnessSettings } from './add-checkpoint.ts';
export { type WitnessedCheckpoint, WitnessState } from './witness-state.ts';
