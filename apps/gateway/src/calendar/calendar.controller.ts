import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles, type HubActor } from '@hub/common';
import { CalendarService, MAX_DEADLINE_DAYS, type BetweenAnswer, type DayAnswer, type DeadlineAnswer, type ReplaceYearAnswer } from './calendar.service';
import type { EffectiveCalendarYear } from '@hub/store';

/**
 * The working-day calendar (工作日, docs/domain.md#the-clocks; docs/clock.md): questions for operators
 * and tests, and the office's replacement of a year's schedule when the State Council publishes it.
 */
@ApiTags('calendar')
// Reads: any signed-in user (units plan their deadlines with it); replacing a year: supervisors and admins.
@ApiBearerAuth()
@Controller()
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Get('calendar/days/:date')
  @ApiOperation({ summary: 'Is a date a working day? `provisional`: its year has no published schedule (weekends only)' })
  @ApiParam({ name: 'date', example: '2026-10-01' })
  day(@Param('date') date: string): Promise<DayAnswer> {
    return this.calendar.day(date);
  }

  @Get('calendar/deadline')
  @ApiOperation({ summary: 'The deadline N working days after a moment (the day of `from` is not counted; ends 24:00 of the last working day)' })
  @ApiQuery({ name: 'from', example: '2026-11-20T09:12:33+08:00' })
  @ApiQuery({ name: 'days', example: 5, description: `0–${MAX_DEADLINE_DAYS}` })
  deadline(@Query('from') from: unknown, @Query('days') days: unknown): Promise<DeadlineAnswer> {
    return this.calendar.deadline(from, days);
  }

  @Get('calendar/between')
  @ApiOperation({ summary: 'Working days after the day of `from` up to and including the day of `to` (negative when `to` is earlier)' })
  @ApiQuery({ name: 'from', example: '2026-11-20T09:12:33+08:00' })
  @ApiQuery({ name: 'to', example: '2026-11-27T18:00:00+08:00' })
  between(@Query('from') from: unknown, @Query('to') to: unknown): Promise<BetweenAnswer> {
    return this.calendar.between(from, to);
  }

  @Get('calendar/years')
  @ApiOperation({ summary: 'The effective schedule by year and where it comes from (directory or office)' })
  years(): Promise<EffectiveCalendarYear[]> {
    return this.calendar.years();
  }

  @Put('office/calendar/:year')
  @Roles('supervisor', 'admin')
  @ApiOperation({
    summary: "Replace one year's schedule (holidays and 调休 make-up workdays); open deadlines it moves are recomputed and their sources told `extended`",
  })
  @ApiParam({ name: 'year', example: 2027 })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['holidays', 'workdays', 'published'],
      properties: {
        holidays: { type: 'array', items: { type: 'string', format: 'date' }, example: ['2027-01-01'] },
        workdays: { type: 'array', items: { type: 'string', format: 'date' }, example: ['2027-02-20'] },
        published: { type: 'boolean', description: 'false: a draft; deadlines through the year stay provisional' },
      },
    },
  })
  replace(@Param('year') year: string, @Body() body: unknown, @CurrentActor() actor: HubActor): Promise<ReplaceYearAnswer> {
    return this.calendar.replaceYear(year, body, `${actor.role}:${actor.id}`);
  }
}
