/** The burst benchmark workers' workflows: Lanterne's, and the bare floor of the same shape. */
export * from '../../src/workflows';
export * from './bare-workflows';
