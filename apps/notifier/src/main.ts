import { bootstrap, configOrExit } from '@hub/common';
import { NotifierModule } from './notifier.module';

async function main(): Promise<void> {
  const config = configOrExit('notifier');
  await bootstrap(NotifierModule.forRoot(config) as never, { port: config.notifierPort, host: config.host });
}
void main();
