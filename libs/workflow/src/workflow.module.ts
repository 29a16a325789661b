import { DynamicModule, Module } from '@nestjs/common';
import { CLOCK_SETTINGS, ClockService, loadClockSettings } from './clock';
import { WorkOrderService } from './work-order.executor';

/**
 * The work-order lifecycle for an app: the executor (`WorkOrderService`, every state change) and
 * the clocks it moves (`ClockService`). Needs CoreModule and StoreModule. The clock settings are
 * read here, at boot, so a bad HUB_CLOCK_* value stops the app with a message naming it.
 */
@Module({})
export class WorkflowModule {
  static forRoot(): DynamicModule {
    const settings = loadClockSettings();
    return {
      module: WorkflowModule,
      // One executor and one clock service per app, for every feature module.
      global: true,
      providers: [{ provide: CLOCK_SETTINGS, useValue: settings }, ClockService, WorkOrderService],
      exports: [CLOCK_SETTINGS, ClockService, WorkOrderService],
    };
  }
}
