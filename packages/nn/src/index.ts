// @backprop/nn: filled in by its issue.
export {};
