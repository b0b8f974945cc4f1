export { SimulatedServo } from "./servo.js";
export type { MechanicalRange, SimulatedServoOptions } from "./servo.js";
export { SO101_JOINTS, SimulatedChain } from "./chain.js";
export type { ChainFaults, JointDriver, JointSpec, SimulatedChainOptions, SimulatedJoint } from "./chain.js";
export { SimulatedHand } from "./hand.js";
export type { HandMode, HandProgress } from "./hand.js";
