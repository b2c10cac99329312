import type { LocalizedText } from '../../machines/localized-text.js';

/**
 * One step of a training scenario, run by the trainer page against a sandbox through the API:
 * - `date`: move the sandbox's simulated date (PUT /api/sandboxes/:id/date);
 * - `open`: open a case of the scenario (POST /api/cases with the sandbox id);
 * - `event`: send an event to a case (POST /api/cases/:id/events). `expectRejection` marks a step that
 *   shows a rejection on purpose, so the page presents the message as the lesson, not as a failure.
 * A scenario with several cases names each in `caseKey`, on its `open` step and on the events sent to it.
 * Steps without a `caseKey` act on the case with the key `main`.
 */
export type ScenarioStep =
  | { readonly kind: 'date'; readonly date: string; readonly narration: LocalizedText }
  | {
      readonly kind: 'open';
      readonly processId: string;
      readonly input: Readonly<Record<string, unknown>>;
      readonly caseKey?: string;
      readonly narration: LocalizedText;
    }
  | {
      readonly kind: 'event';
      readonly caseKey?: string;
      readonly type: string;
      readonly data?: Readonly<Record<string, unknown>>;
      readonly channel?: string;
      readonly expectRejection?: true;
      readonly narration: LocalizedText;
    };

export interface TrainingScenario {
  readonly id: string;
  readonly title: LocalizedText;
  /** The sandbox's simulated date when the scenario starts. */
  readonly startDate: string;
  readonly steps: readonly ScenarioStep[];
}

const EMPLOYER_CODE = '91350100M000100Y43';
const ID_NUMBER = '11010519491231002X';
const EMPLOYER_B = '91110108MA01ABCD2H';

/** The worked examples of the fee rules, scripted for the trainer page. */
export const TRAINING_SCENARIOS: readonly TrainingScenario[] = [
  {
    id: 'december-back-payment',
    title: { zh: '2023年12月个人补缴（先维护、再推送、后申报）', en: 'December 2023 back-payment (maintain, push, then declare)' },
    startDate: '2024-01-15',
    steps: [
      {
        kind: 'open',
        processId: 'individual-back-payment',
        input: { employerCode: EMPLOYER_CODE, person: { name: '张三', idNumber: ID_NUMBER }, fromPeriod: '2023-12', toPeriod: '2023-12', insurances: ['pension', 'unemployment', 'workInjury', 'medical'], startMonthAtTax: '2024-01' },
        narration: {
          zh: '张三于2024年1月增员，人社和医保推送给税务的开始缴费年月是2024年01月。单位要为他补缴2023年12月。费款所属期在2023年12月及以后，所以走税务办理路线。',
          en: 'Zhang San was added in January 2024, so hr and medical sent tax a start month of 2024-01. The employer must pay December 2023 for him. The fee period is 2023-12 or later, so the case takes the tax route.',
        },
      },
      {
        kind: 'event',
        type: 'DECLARE',
        channel: 'fee-client',
        expectRejection: true,
        narration: {
          zh: '单位直接向税务申报补缴，被拒绝：税务端的开始缴费年月还是2024年01月，须先在人社维护开始缴费年月。',
          en: 'The employer declares to tax at once and is rejected: tax still has 2024-01 as the start month, so the start month must first be maintained at hr.',
        },
      },
      {
        kind: 'event',
        type: 'MAINTAIN_START_MONTH',
        data: { startMonth: '2023-12' },
        channel: 'hr-online',
        narration: { zh: '单位在人社“单位申报个人补缴”模块把开始缴费年月维护为2023年12月。', en: "The employer maintains the start month as 2023-12 in hr's individual back-payment module." },
      },
      {
        kind: 'event',
        type: 'HR_PUSH_START_MONTH',
        data: { startMonth: '2023-12' },
        narration: { zh: '人社将新的开始缴费年月推送至税务。', en: 'hr pushes the new start month to tax.' },
      },
      { kind: 'date', date: '2024-01-16', narration: { zh: '次日，2024年01月16日。', en: 'The next day, 2024-01-16.' } },
      {
        kind: 'event',
        type: 'DECLARE',
        channel: 'fee-client',
        narration: { zh: '单位通过社保费管理客户端申报，这次被受理。', en: 'The employer declares through the fee-management client, and this time it is accepted.' },
      },
      { kind: 'event', type: 'ASSESS', data: { amountFen: 123_456 }, narration: { zh: '税务核定应缴金额 ¥1,234.56。', en: 'Tax assesses CNY 1,234.56.' } },
      {
        kind: 'event',
        type: 'PAY',
        data: { amountFen: 123_456 },
        channel: 'fee-client',
        narration: { zh: '单位缴款，案件办结。', en: 'The employer pays and the case closes.' },
      },
    ],
  },
  {
    id: 'split-record',
    title: { zh: '张一改名张二：人社、医保不同月变更导致税务端两条记录', en: 'Zhang Yi renamed Zhang Er: hr and medical change in different months, so tax holds two records' },
    startDate: '2024-01-10',
    steps: [
      {
        kind: 'open',
        processId: 'personal-data-change',
        input: { employerCode: EMPLOYER_CODE, before: { name: '张一', idType: 'resident-id', idNumber: ID_NUMBER }, requestedIn: '2024-01' },
        narration: {
          zh: '姓名、证件类型或证件号码的变更，须在同一个月内分别在人社和医保办理。本案跟踪两边的进度。',
          en: 'A change of name, ID type or ID number must be made at hr and at medical in the same month. The case tracks both sides.',
        },
      },
      { kind: 'date', date: '2024-01-15', narration: { zh: '2024年01月15日。', en: '2024-01-15.' } },
      {
        kind: 'event',
        type: 'HR_CHANGE_RECORDED',
        data: { after: { name: '张二', idType: 'resident-id', idNumber: ID_NUMBER }, month: '2024-01' },
        narration: { zh: '1月，只有人社把姓名从张一改为张二，医保没有变更。', en: 'In January only hr changes the name from 张一 to 张二; medical does not.' },
      },
      { kind: 'date', date: '2024-02-01', narration: { zh: '月末推送之后，2024年02月01日。', en: 'After the month-end push, 2024-02-01.' } },
      {
        kind: 'event',
        type: 'MONTH_END_CHECK',
        data: { feePeriod: '2024-01' },
        narration: {
          zh: '月末一致性检查：税务端出现两条记录，张二有三险，张一有医疗保险。案件标记为“一人两条记录”。',
          en: 'Month-end check: tax now holds two records, 张二 with the three insurances and 张一 with medical insurance. The case flags a split record.',
        },
      },
      { kind: 'date', date: '2024-02-10', narration: { zh: '2024年02月10日。', en: '2024-02-10.' } },
      {
        kind: 'event',
        type: 'MEDICAL_CHANGE_RECORDED',
        data: { after: { name: '张二', idType: 'resident-id', idNumber: ID_NUMBER }, month: '2024-02' },
        narration: { zh: '2月，医保也完成变更。但两边不在同一个月，记录仍是两条，要等下次月末推送。', en: 'In February medical changes too. The two sides changed in different months, so the records stay split until the next month-end push.' },
      },
      { kind: 'date', date: '2024-02-29', narration: { zh: '2024年02月29日，月末。', en: '2024-02-29, month end.' } },
      {
        kind: 'event',
        type: 'MONTH_END_CHECK',
        data: { feePeriod: '2024-02' },
        narration: { zh: '2月推送后两边一致，税务端合并为一条记录（张二，四险），案件办结。', en: 'After the February push both sides agree, tax holds one record (张二, four insurances) and the case closes.' },
      },
    ],
  },
  {
    id: 'january-move',
    title: { zh: '1月跨单位流动：A单位减员、B单位同月增员', en: 'January move: employer A terminates, employer B adds in the same month' },
    startDate: '2024-01-22',
    steps: [
      {
        kind: 'open',
        processId: 'personnel-termination',
        caseKey: 'employer-a',
        input: {
          employerCode: EMPLOYER_CODE,
          person: { name: '张三', idNumber: ID_NUMBER },
          startMonth: '2023-06',
          contractEndMonth: '2024-01',
          terminationMonth: '2024-01',
          reason: 'employee-resigned',
          insurances: ['pension', 'unemployment', 'workInjury', 'medical'],
          newEmployer: { employerCode: EMPLOYER_B, additionMonth: '2024-01' },
        },
        narration: {
          zh: 'A单位为张三办理减员：劳动合同于2024年1月终止，A单位也在1月减员，所以A单位三险的停止缴费年月为2024年01月。张三同月到B单位就职，减员时一并登记B单位和增员月份。',
          en: "Employer A terminates Zhang San: the labour contract ended in January 2024 and A files in January, so A's three insurances stop at 2024-01. Zhang San joins employer B in the same month, so the termination names B and the month of B's addition.",
        },
      },
      {
        kind: 'event',
        caseKey: 'employer-a',
        type: 'CONFIRM_WARNING',
        channel: 'hr-online',
        narration: {
          zh: '系统提示：停保年月为合同终止当月，开始月和停保月都要缴费。这是提示，不是阻断，A单位确认后继续。',
          en: 'The system warns that the stop month is the month the contract ended, and that both the start and the stop month are charged. It is a warning, not a block: employer A confirms and goes on.',
        },
      },
      {
        kind: 'event',
        caseKey: 'employer-a',
        type: 'HR_CONFIRM_TERMINATION',
        narration: { zh: '人社确认减员，A单位的减员办结：三险停止缴费年月为2024年01月，1月仍由A单位缴费。', en: "hr confirms the termination and employer A's case closes: the three insurances stop at 2024-01, so A still pays January." },
      },
      { kind: 'date', date: '2024-01-24', narration: { zh: '2024年01月24日，张三到B单位报到。', en: '2024-01-24: Zhang San starts at employer B.' } },
      {
        kind: 'open',
        processId: 'personnel-addition',
        caseKey: 'employer-b',
        input: {
          employerCode: EMPLOYER_B,
          person: { name: '张三', idNumber: ID_NUMBER },
          labourContract: { kind: 'fixed-term', startsOn: '2024-01-24', endsOn: '2027-01-23' },
          insurances: ['pension', 'unemployment', 'workInjury', 'medical'],
          previousEmployer: { employerCode: EMPLOYER_CODE, lastChargedMonth: '2024-01' },
        },
        narration: {
          zh: 'B单位1月为张三办理增员，并注明张三同月离开A单位、A单位最后缴费年月为2024年01月。B单位的工伤保险自2024年01月起缴费；养老、失业保险自2024年02月起缴费，因为1月已由A单位缴纳，同一人同一月只能由一个单位缴纳养老保险。北京的办事说明没有规定医疗保险的月份，本系统按同一月只由一个单位缴纳处理，医疗保险也自2月起。下表列出两个单位各险种的停止和开始缴费年月。',
          en: "Employer B adds Zhang San in January and notes that Zhang San left employer A in the same month, whose last charged month is 2024-01. B's work injury insurance starts in 2024-01; pension and unemployment start in 2024-02, because A already pays January and one person cannot pay pension twice for a month. Beijing's process description gives no month for medical insurance; this system applies the same one-payer-per-month rule, so medical also starts in February. The table lists the stop and start months of both employers, insurance by insurance.",
        },
      },
      {
        kind: 'event',
        caseKey: 'employer-b',
        type: 'REGISTRATION_SUCCEEDED',
        narration: {
          zh: '人社登记增员成功。B单位的案件按险种记下开始缴费年月：工伤保险2024年01月，养老、失业、医疗保险2024年02月，与A单位的减员案件算出的月份一致。',
          en: "hr registers the addition. Employer B's case records the start month of each insurance: work injury 2024-01; pension, unemployment and medical 2024-02, the same months that employer A's termination case computed.",
        },
      },
    ],
  },
  {
    id: 'refund-tracks',
    title: { zh: '基数差退费：先在税务更正基数，再分人社、医保两路退费', en: 'Base-difference refund: correct the base at tax first, then refund on the hr and medical tracks' },
    startDate: '2024-08-12',
    steps: [
      {
        kind: 'open',
        processId: 'base-difference-refund',
        input: {
          employerCode: EMPLOYER_CODE,
          person: { name: '张三', idNumber: ID_NUMBER },
          months: [{ feePeriod: '2024-05', oldBaseFen: 1_200_050, newBaseFen: 1_000_000 }],
          insurances: ['pension', 'unemployment', 'workInjury', 'medical'],
          workInjuryRatePpm: 4_000,
        },
        narration: {
          zh: '2024年5月的缴费基数由 ¥12,000.50 调低为 ¥10,000.00。费款所属期在2023年12月及以后，须先在税务更正基数。',
          en: 'The base of 2024-05 is lowered from CNY 12,000.50 to CNY 10,000.00. The period is 2023-12 or later, so the base is corrected at tax first.',
        },
      },
      { kind: 'event', type: 'DECLARE_BASE_CORRECTION', channel: 'e-tax', narration: { zh: '单位通过电子税务局申报基数更正。', en: 'The employer declares the base correction through the e-tax bureau.' } },
      { kind: 'event', type: 'TAX_CORRECT_BASE', narration: { zh: '税务更正基数。之后分两路：人社退三险，医保退医疗保险。', en: 'Tax corrects the base. Two tracks follow: hr refunds the three insurances, medical refunds medical insurance.' } },
      { kind: 'event', type: 'APPLY_HR_REFUND', channel: 'hr-online', narration: { zh: '单位向人社申请退费。', en: 'The employer applies for the refund at hr.' } },
      { kind: 'event', type: 'APPLY_MEDICAL_REFUND', channel: 'medical-window', narration: { zh: '单位同时到医保窗口申请退费。', en: 'The employer also applies at the medical window.' } },
      { kind: 'event', type: 'HR_REFUND', data: { amountFen: 50_812 }, narration: { zh: '人社退还 ¥508.12；医保一路尚未完成，案件仍在办理中。', en: 'hr refunds CNY 508.12; the medical track is not finished, so the case stays open.' } },
      { kind: 'event', type: 'MEDICAL_REFUND', data: { amountFen: 23_606 }, narration: { zh: '医保退还 ¥236.06，两路都已完成，案件办结。', en: 'Medical refunds CNY 236.06; both tracks are finished and the case closes.' } },
    ],
  },
];
