import { maskCitizen } from './citizen-mask.util';

const citizen = {
  name: '欧阳娜娜',
  phone: '13812345678',
  idType: 'id_card' as const,
  idNumber: '11010519491231002X',
  anonymous: false,
  confidential: true,
};

describe('maskCitizen', () => {
  it('masks a confidential citizen for a unit that is not the handler', () => {
    expect(maskCitizen(citizen)).toEqual({
      name: '欧***',
      phone: '138****5678',
      idType: 'id_card',
      idNumber: '110105********002X',
      anonymous: false,
      confidential: true,
    });
  });

  it('masks short values completely', () => {
    expect(maskCitizen({ name: '王', phone: '12345', anonymous: false, confidential: true })).toEqual({
      name: '*',
      phone: '*****',
      anonymous: false,
      confidential: true,
    });
  });
});
