// The mlp or cnn suite's training step with the packages of the checkout given as the first
// argument (one whose packages are built; see src/checkout-step.ts), run WARM times and then REPS more. Used by count.sh, which counts machine
// instructions: unlike wall time on a shared VM, the count repeats to a fraction of a percent.
//
//   node --import tsx bench/instructions/train-step.ts <checkout> [mlp|cnn]
import { checkoutTrainStep } from '../src/checkout-step.js';

const [root = '.', workload = 'mlp'] = process.argv.slice(2);
const step = await checkoutTrainStep(root, workload);
for (let i = 0; i < Number(process.env.WARM ?? 50) + Number(process.env.REPS ?? 50); i++) step();
