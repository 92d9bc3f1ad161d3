export { missionWorkflow } from './mission';
export { dailyCycleWorkflow } from './daily-cycle';
