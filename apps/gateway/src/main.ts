import { bootstrap, configOrExit } from '@hub/common';
import { GatewayModule } from './gateway.module';

async function main(): Promise<void> {
  const config = configOrExit('gateway');
  await bootstrap(GatewayModule.forRoot(config) as never, {
    port: config.port,
    docs: {
      title: '12345 hub',
      description: 'Intake from upstream systems, the units\' and the hotline office\'s API. Wire formats of the upstream systems: contracts §1–§6.',
    },
  });
}
void main();
