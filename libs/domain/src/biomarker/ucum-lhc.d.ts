// The package ships no type declarations; only the calls the domain uses are typed here.
declare module '@lhncbc/ucum-lhc' {
  interface UcumUnit {
    readonly csCode_: string | number;
    readonly class_: string | null;
    readonly isArbitrary_: boolean;
  }
  interface UcumValidation {
    readonly status: 'valid' | 'invalid' | 'error';
    readonly ucumCode: string | null;
    readonly msg: readonly string[];
  }
  interface UcumConversion {
    readonly status: 'succeeded' | 'failed' | 'error';
    readonly toVal: number | null;
    readonly msg: readonly string[];
    readonly fromUnit?: UcumUnit;
    readonly toUnit?: UcumUnit;
  }
  interface UcumLhcUtils {
    validateUnitString(unit: string, suggest?: boolean): UcumValidation;
    convertUnitTo(fromUnit: string, value: number, toUnit: string): UcumConversion;
  }
  const ucum: { UcumLhcUtils: { getInstance(): UcumLhcUtils } };
  export default ucum;
}
