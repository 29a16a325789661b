import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BodyValidationPipe, ValidationFailed, type HubActor } from '@hub/common';
import { officeSetting, saveOfficeSetting } from '@hub/store';
import { SETTINGS, settingName } from './office-settings.dto';

// The body's class depends on the setting named in the path: the app's pipe, given that class here.
const bodies = new BodyValidationPipe();

/** The office's own rules for intake, merging, work orders and clocks (office_settings); the router reads them on every ticket. */
@Injectable()
export class OfficeSettingsService {
  constructor(private readonly ds: DataSource) {}

  get(name: string): Promise<Record<string, unknown>> {
    const n = settingName(name);
    return officeSetting(this.ds, n, SETTINGS[n].defaults as unknown as Record<string, unknown>);
  }

  async put(name: string, body: unknown, actor: HubActor): Promise<unknown> {
    const n = settingName(name);
    const value = (await bodies.transform(body, { type: 'body', metatype: SETTINGS[n].dto as new () => object })) as object;
    const problems = SETTINGS[n].check(value);
    if (problems.length > 0) throw new ValidationFailed(problems);
    await saveOfficeSetting(this.ds, n, value, `${actor.role}:${actor.id}`);
    return value;
  }
}
