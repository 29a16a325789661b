import { configOrExit, createApp, mountDocs } from '@hub/common';
import { GatewayModule } from './gateway.module';
import { mountConsole } from './console/console-static';

async function main(): Promise<void> {
  const config = configOrExit('gateway');
  const app = await createApp(GatewayModule.forRoot(config) as never);
  mountDocs(app, {
    title: '12345 hub',
    description: 'Intake from upstream systems, the units\' and the hotline office\'s API. Wire formats of the upstream systems: docs/contracts.md in the repository.',
  });
  // The web console (apps/console) at `/`, beside the API (docs/console.md).
  await mountConsole(app);
  await app.listen(config.port, config.host);
}
void main();
