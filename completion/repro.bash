# bash completion for repro: commands, their flags, manifest files, run keys and flag values.
# Installed as <prefix>/share/bash-completion/completions/repro; or: source completion/repro.bash

# Run keys (their first 8 characters) from the attempt folders under the results folder:
# <results>/<manifest>/<experiment>/<params>_seed-N_<key8>.
_repro_run_keys() {
  local results=results i
  for ((i = 1; i < COMP_CWORD; i++)); do
    [[ ${COMP_WORDS[i]} == --results ]] && results=${COMP_WORDS[i + 1]}
  done
  local dir
  for dir in "$results"/*/*/*_seed-*_*; do
    [[ -d $dir ]] && printf '%s\n' "${dir##*_}"
  done
}

_repro() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  # The commands and report's formats as `repro --help` and `repro report --help` list them
  # (tests/e2e/completion_test.cc keeps them in step).
  local commands="validate plan run diff bundle verify fingerprint fetch compare report import show logs attempt status cancel"
  local help="-h --help"
  local common="--results --db --cache --source --max-runs $help"
  local select="--experiment --claim --where"
  local command="" subcommand="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    if [[ ${COMP_WORDS[i]} != -* ]]; then
      if [[ -z $command ]]; then
        command=${COMP_WORDS[i]}
        [[ $command == import ]] || break
      else
        subcommand=${COMP_WORDS[i]}
        break
      fi
    fi
  done
  if [[ -z $command ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$commands --help --version" -- "$cur")
    return
  fi
  case $prev in
    --results|--cache|--source|--within) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
    --db|-o|--output|--sign|--allowed-signers) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    --format)
      case $command in
        diff) mapfile -t COMPREPLY < <(compgen -W "text md html" -- "$cur") ;;
        *) mapfile -t COMPREPLY < <(compgen -W "md html pdf json latex junit" -- "$cur") ;;
      esac
      return ;;
    --isolation) mapfile -t COMPREPLY < <(compgen -W "none sandbox" -- "$cur"); return ;;
    --executor) mapfile -t COMPREPLY < <(compgen -W "local slurm" -- "$cur"); return ;;
    -j|--jobs|--kill-grace|--log-cap|--max-runs|--attempt|--task|--experiment|--claim|--where|--digest|--identity|--series|--slurm-profile|--manifest|--table)
      return ;;
  esac
  if [[ $command == import && -z $subcommand ]]; then
    mapfile -t COMPREPLY < <(compgen -W "latex model-card $help" -- "$cur")
    return
  fi
  local flags
  case $command in
    validate) flags="--max-runs -q --quiet $help" ;;
    plan) flags="$common $select -q --quiet" ;;
    run) flags="$common $select -j --jobs --force --dry-run --isolation --keep-work --kill-grace --log-cap --executor --slurm-profile -q --quiet -v --verbose" ;;
    compare) flags="$common $select --json -q --quiet" ;;
    report) flags="$common $select --index --format -o --output -q --quiet" ;;
    import)
      case $subcommand in
        latex) flags="--within --table -o --output -q --quiet $help" ;;
        *) flags="-o --output -q --quiet $help" ;;
      esac ;;
    diff) flags="$common --manifest --format -o --output" ;;
    bundle) flags="$common -o --output --sign -q --quiet" ;;
    verify) flags="--digest --allowed-signers --identity $help" ;;
    show) flags="$common --attempt --series" ;;
    logs) flags="$common --attempt --stderr" ;;
    attempt) flags="--task $help" ;;
    fetch) flags="$common -q --quiet" ;;
    status|cancel) flags="$common" ;;
    fingerprint) flags="$help" ;;
  esac
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$flags" -- "$cur")
  elif [[ $command == show || $command == logs ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_repro_run_keys)" -- "$cur")
  elif [[ $command == verify || $command == attempt || $command == import ]]; then
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  else  # a manifest (or, for diff, a database): folders to walk into, and YAML files
    mapfile -t COMPREPLY < <(compgen -d -S / -- "$cur"; compgen -f -X '!*.yaml' -- "$cur"; compgen -f -X '!*.yml' -- "$cur"; compgen -f -X '!*.db' -- "$cur")
    compopt -o nospace 2>/dev/null
    if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} != */ ]]; then compopt +o nospace 2>/dev/null; fi
  fi
  return 0
}
complete -F _repro repro
