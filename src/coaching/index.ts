/** The coaching brain: reasoning, mission negotiation, planning, class matching and adaptation. */
export * from './athlete-parameters';
export * from './day-targets';
export * from './training-zones';
export * from './readiness';
export * from './negotiation';
export * from './workout-validation';
export * from './workout-templates';
export * from './planner';
export * from './peloton';
export * from './peloton-archive';
export * from './adaptation';
export * from './coach-day';
export * from './day-history';
