import { bootstrap, configOrExit } from '@hub/common';
import { RouterModule } from './router.module';

async function main(): Promise<void> {
  const config = configOrExit('router');
  await bootstrap(RouterModule.forRoot(config) as never, { port: config.routerPort, host: config.host });
}
void main();
