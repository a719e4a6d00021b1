# bash completion for svcscope                                  -*- shell-script -*-
#
# Installed to $(datadir)/bash-completion/completions/svcscope. Commands, options and rule
# codes are asked from the svcscope being completed (`svcscope --help`, `svcscope COMMAND
# --help`, `svcscope rules`), so they always match the installed version.

# The svcscope being completed: the word typed (./svcscope, ~/bin/svcscope) or the one on PATH.
_svcscope_program()
{
    local prog=${COMP_WORDS[0]}
    case $prog in
    "~"/*) prog=$HOME/${prog#"~"/} ;;
    esac
    command -v -- "$prog" >/dev/null 2>&1 || prog=svcscope
    printf '%s\n' "$prog"
}

# The commands, from the "commands:" block of `svcscope --help`.
_svcscope_commands()
{
    "$1" --help 2>/dev/null | awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }'
}

# "OPTION 1" for an option that takes a value, "OPTION 0" for a flag, from `svcscope COMMAND --help`
# (the usage line and the option lines; "-h, --help" included).
_svcscope_options()
{
    "$1" "$2" --help 2>/dev/null | awk '
        function add(opt, arg) { if (!(opt in seen) || arg) seen[opt] = arg }
        /^usage:/ {
            s = $0
            while (match(s, /\[[^]]*\]/)) {
                g = substr(s, RSTART + 1, RLENGTH - 2)
                s = substr(s, RSTART + RLENGTH)
                gsub(/\|/, " ", g)
                n = split(g, t, " ")
                for (i = 1; i <= n; i++)
                    if (t[i] ~ /^--[a-z]/) add(t[i], i < n && t[i + 1] !~ /^-/)
            }
            next
        }
        /^ +(-[a-zA-Z], )?--[a-z]/ {
            line = $0
            sub(/^ +(-[a-zA-Z], )?/, "", line)
            match(line, /^--[a-z][a-z-]*/)
            add(substr(line, 1, RLENGTH), substr(line, RLENGTH + 1) ~ /^ [A-Z]/)
        }
        END { for (o in seen) print o, seen[o] }'
}

# Rule codes, and their families (SVC1 ... SVC5), from `svcscope rules`.
_svcscope_codes()
{
    "$1" rules 2>/dev/null | awk '/^SVC[0-9]/ { print $1; f = substr($1, 1, 4); if (!(f in seen)) { seen[f]; print f } }'
}

_svcscope()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    local prog
    prog=$(_svcscope_program)
    COMPREPLY=()

    # The command: the first word after the program that is one of them.
    local cmd= i commands
    commands=$(_svcscope_commands "$prog")
    local known
    for ((i = 1; i < COMP_CWORD; i++)); do
        for known in $commands; do
            [[ ${COMP_WORDS[i]} == "$known" ]] && cmd=$known && break 2
        done
    done

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '--demo --keep --help --version' -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
            # No command: svcscope PATH opens the explorer there.
            COMPREPLY+=($(compgen -d -- "$cur"))
        fi
        return 0
    fi

    local options
    options=$(_svcscope_options "$prog" "$cmd")

    # --option=value is one word to readline's eyes unless '=' breaks words; handle both.
    local opt=$prev value=$cur pre=
    if [[ $cur == --*=* ]]; then
        opt=${cur%%=*}
        value=${cur#*=}
        pre=$opt=  # the word replaced is the whole --option=value
    elif [[ $cur == = && $prev == --* ]]; then
        value=
    elif [[ $prev == = && COMP_CWORD -ge 2 ]]; then
        opt=${COMP_WORDS[COMP_CWORD - 2]}
    fi
    if [[ $opt == --* ]] && printf '%s\n' "$options" | grep -qx -- "$opt 1"; then
        local words=
        case $opt in
        --format)
            case $cmd in
            check) words='text json sarif github' ;;
            graph) words='dot mermaid' ;;
            rules) words='text json markdown' ;;
            *) words='text json' ;;
            esac
            ;;
        --select | --ignore)
            # A comma-separated list: complete the last item.
            local done_part=$pre
            [[ $value == *,* ]] && done_part=$pre${value%,*},
            local code
            for code in $(_svcscope_codes "$prog"); do
                [[ $code == "${value##*,}"* ]] && COMPREPLY+=("$done_part$code")
            done
            compopt -o nospace 2>/dev/null
            return 0
            ;;
        --fail-on) words='info warning error' ;;
        --diff | --rev)
            words="HEAD $(git for-each-ref --format='%(refname:short)' 2>/dev/null)"
            ;;
        --baseline | --write-baseline | --exclude)
            [[ -z $pre ]] && compopt -o filenames 2>/dev/null
            words=$(compgen -f -- "$value")
            ;;
        *) return 0 ;;
        esac
        local w
        for w in $(compgen -W "$words" -- "$value"); do
            COMPREPLY+=("$pre$w")
        done
        return 0
    fi

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(printf '%s\n' "$options" | awk '{ print $1 }') -h" -- "$cur"))
        return 0
    fi
    case $cmd in
    rules) COMPREPLY=($(compgen -W "$("$prog" rules 2>/dev/null | awk '/^SVC[0-9]/ { print $1 }')" -- "$cur")) ;;
    *)
        COMPREPLY=($(compgen -f -- "$cur"))
        compopt -o filenames 2>/dev/null
        ;;
    esac
    return 0
}
complete -F _svcscope svcscope
