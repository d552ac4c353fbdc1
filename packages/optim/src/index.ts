// @backprop/optim: filled in by its issue.
export {};
