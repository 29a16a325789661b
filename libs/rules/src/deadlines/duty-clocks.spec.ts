/**
 * 沪府办〔2020〕49号 Art. 5: "承办单位在收到工单后的1个工作日内，先行联系反映问题的企业和群众" — an anonymous
 * ticket has nobody to contact: no contact duty (docs/rules.md, item 9).
 */
import { applicableClocks } from './duty-clocks';

describe('applicableClocks', () => {
  it('an anonymous citizen has no contact clock; everything else stays', () => {
    expect(applicableClocks(['contact', 'resolve', 'objection'], { anonymous: true })).toEqual(['resolve', 'objection']);
    expect(applicableClocks(['contact', 'resolve'], { anonymous: false })).toEqual(['contact', 'resolve']);
    expect(applicableClocks(['resolve'], { anonymous: true })).toEqual(['resolve']);
  });
});
